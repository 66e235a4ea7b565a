// Placeholder until the executable lands: it must build so the package does.
print("voucherd-issuance: not wired yet")
