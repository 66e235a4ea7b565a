extension Methods {
    static let generateCodes = "/voucherd.v1.Issuance/GenerateCodes"
    static let claimCode = "/voucherd.v1.Issuance/ClaimCode"
}
