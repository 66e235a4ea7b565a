// Placeholder until the executable lands: it must build so the package does.
print("voucherd-identity: not wired yet")
