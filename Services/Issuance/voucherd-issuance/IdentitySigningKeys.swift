import VoucherdModel
import XRPC

/// The keys that verify access tokens, read from identity's GetSigningKeys (no token needed).
/// The verifier asks again when a token names an unknown kid, so identity's rotations are
/// picked up without a restart.
struct IdentitySigningKeys: SigningKeySource {
    let client: Voucherd_V1_Identity.Client<XRPCClientTransport>

    func currentKeys() async throws -> [PublishedSigningKey] {
        let set = try await self.client.getSigningKeys(Voucherd_V1_GetSigningKeysRequest())
        return set.keys.map { PublishedSigningKey(kid: $0.kid, publicKey: $0.publicKey) }
    }
}
