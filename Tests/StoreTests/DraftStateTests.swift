import Testing

@testable import Store

@Suite struct DraftStateTests {
    @Test func theHappyPathIsAllowed() {
        #expect(DraftState.queued.canMove(to: .approved))
        #expect(DraftState.approved.canMove(to: .sending))
        #expect(DraftState.sending.canMove(to: .sent))
        #expect(DraftState.sent.canMove(to: .bounced))
    }

    @Test func aSentReplyCanNeverBeSentAgain() {
        #expect(!DraftState.sent.canMove(to: .approved))
        #expect(!DraftState.sent.canMove(to: .sending))
        #expect(!DraftState.sent.canMove(to: .queued))
    }

    @Test func anUnknownOutcomeGoesBackOnlyThroughApproval() {
        #expect(!DraftState.outcomeUnknown.canMove(to: .sending))
        #expect(DraftState.outcomeUnknown.canMove(to: .approved))
    }

    @Test func queuedDraftsCannotSkipApproval() {
        #expect(!DraftState.queued.canMove(to: .sending))
        #expect(!DraftState.queued.canMove(to: .sent))
    }

    @Test func finalStatesAreExactlyRejectedSupersededBounced() {
        #expect(Set(DraftState.allCases.filter(\.isFinal)) == [.rejected, .superseded, .bounced])
    }
}
