import VoucherdModel

extension CampaignRecord {
    /// The campaign's code format with the proto's defaults applied (0 means 12 random
    /// symbols, groups of 4), as CreateCampaign validated it.
    var couponCodeFormat: CouponCodeFormat {
        CouponCodeFormat(
            prefix: self.codeFormat.prefix,
            randomLength: self.codeFormat.randomLength == 0 ? 12 : Int(self.codeFormat.randomLength),
            groupSize: self.codeFormat.groupSize == 0 ? 4 : Int(self.codeFormat.groupSize))
    }
}
