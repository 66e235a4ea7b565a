/// `voucherd-issuance --help`.
enum IssuanceUsage {
    static let text = """
        voucherd-issuance: the Voucherd issuance service (campaigns, claims, wallets, transfers,
        checkout locks; XRPC/1 over mutual TLS). It calls identity for merchants, points and the
        token signing keys.

        Each value comes from the first that sets it: flag, environment variable, JSON config
        file (--config / VOUCHERD_CONFIG; keys are the flag names), default.

          --data-dir DIR                 VOUCHERD_DATA_DIR          ./data/issuance (store.sqlite, ports.json)
          --listen-host H --listen-port P  VOUCHERD_LISTEN_HOST/PORT  127.0.0.1 / 7443 (0 = free port)
          --admin-host H --admin-port P    VOUCHERD_ADMIN_HOST/PORT   127.0.0.1 / 9090 (0 = free port)
          --tls-certificate FILE         VOUCHERD_TLS_CERTIFICATE   required (PEM; also the client cert to identity)
          --tls-key FILE                 VOUCHERD_TLS_KEY           required (PEM)
          --tls-trust-roots FILE         VOUCHERD_TLS_TRUST_ROOTS   required (PEM CA bundle)
          --peer identity=HOST:PORT      VOUCHERD_PEERS             required
          --api-key-file FILE            VOUCHERD_API_KEY_FILE      required: issuance's service-account API key
          --identity-server-name NAME    VOUCHERD_IDENTITY_SERVER_NAME  none (checks the peer's host)
          --token-issuer NAME            VOUCHERD_TOKEN_ISSUER      voucherd-identity
          --token-audience NAME          VOUCHERD_TOKEN_AUDIENCE    voucherd
          --write-batch-size N           VOUCHERD_WRITE_BATCH_SIZE  128 requests per group commit (1 = off)
          --log-format json|text         VOUCHERD_LOG_FORMAT        json (text on a terminal)
          --log-level LEVEL              VOUCHERD_LOG_LEVEL         info
          --config FILE                  VOUCHERD_CONFIG            none; its "issuance" object holds the
                                                                    page/grant/lock limits, checkout-callers
                                                                    and referral-campaign-id

        Once identity answers (waits up to 30 s) it logs "ready" with xrpc_port and admin_port
        and writes <data-dir>/ports.json. SIGTERM or SIGINT drains and exits 0. Configuration
        errors exit 2, other start-up errors 1.
        """
}
