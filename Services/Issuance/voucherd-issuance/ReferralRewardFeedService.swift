import IssuanceService
import ServiceLifecycle

/// Runs the ``ReferralRewardFeed`` (identity's referral reward commands → coupons) until
/// graceful shutdown, which cancels it between commands: a grant in hand completes, because the
/// writer never abandons a batch.
struct ReferralRewardFeedService: Service {
    let feed: ReferralRewardFeed

    func run() async {
        await cancelWhenGracefulShutdown {
            await self.feed.run()
        }
    }
}
