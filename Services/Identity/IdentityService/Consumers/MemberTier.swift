/// A member tier, lowest first: 普通 regular, 银卡 silver, 金卡 gold.
public enum MemberTier: String, Sendable, Hashable, CaseIterable, Comparable {
    /// Every consumer starts here.
    case regular
    /// 银卡.
    case silver
    /// 金卡.
    case gold

    private var rank: Int {
        switch self {
        case .regular: 0
        case .silver: 1
        case .gold: 2
        }
    }

    /// Orders tiers from regular to gold.
    public static func < (lhs: MemberTier, rhs: MemberTier) -> Bool {
        lhs.rank < rhs.rank
    }
}
