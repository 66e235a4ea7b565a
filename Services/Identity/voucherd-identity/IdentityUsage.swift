/// `voucherd-identity --help`.
enum IdentityUsage {
    static let text = """
        voucherd-identity: the Voucherd identity service (XRPC/1 over mutual TLS).

        Each value comes from the first that sets it: flag, environment variable, JSON config
        file (--config / VOUCHERD_CONFIG; keys are the flag names), default.

          --data-dir DIR                 VOUCHERD_DATA_DIR          ./data/identity (store.sqlite, ports.json)
          --listen-host H --listen-port P  VOUCHERD_LISTEN_HOST/PORT  127.0.0.1 / 7443 (0 = free port)
          --admin-host H --admin-port P    VOUCHERD_ADMIN_HOST/PORT   127.0.0.1 / 9090 (0 = free port)
          --tls-certificate FILE         VOUCHERD_TLS_CERTIFICATE   required (PEM)
          --tls-key FILE                 VOUCHERD_TLS_KEY           required (PEM)
          --tls-trust-roots FILE         VOUCHERD_TLS_TRUST_ROOTS   required (PEM CA bundle)
          --log-format json|text         VOUCHERD_LOG_FORMAT        json (text on a terminal)
          --log-level LEVEL              VOUCHERD_LOG_LEVEL         info
          --bootstrap-operator NAME      VOUCHERD_BOOTSTRAP_OPERATOR       none
          --bootstrap-password-file F    VOUCHERD_BOOTSTRAP_PASSWORD_FILE  required with the operator
          --trusted-token-keys FILE      VOUCHERD_TRUSTED_TOKEN_KEYS       none (extra JWKS public keys)
          --config FILE                  VOUCHERD_CONFIG            none; its "identity" object holds
                                                                    the tokens/passwords/members/referrals policies

        Once ready it logs "ready" with xrpc_port and admin_port and writes <data-dir>/ports.json.
        SIGTERM or SIGINT drains and exits 0. Configuration errors exit 2, other start-up errors 1.
        """
}
