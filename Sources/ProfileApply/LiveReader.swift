import Foundation
import PachcaAPI
import ProfileCore

/// Reads live state: `GET /profile` and `GET /profile/status`, concurrently (SPEC §6).
public struct LiveReader: Sendable {
    public let client: PachcaClient
    public let subject: Subject

    public init(client: PachcaClient, subject: Subject = .me) {
        self.client = client; self.subject = subject
    }

    public func read() async throws -> LiveState {
        let (user, wireStatus) = try await readWire()
        return LiveState(owner: ProfileOwner(user), status: wireStatus.map(StatusFields.init), avatarURL: user.imageURL)
    }

    /// The two reads as the API answered them, for `show`, which prints more than `LiveState` holds.
    public func readWire() async throws -> (user: WireUser, status: WireUserStatus?) {
        let apiSubject = subject.apiSubject
        async let profile = settled { try await client.profile(apiSubject) }
        async let status = settled { try await client.status(apiSubject) }
        let (profileResult, statusResult) = await (profile, status)
        return (try profileResult.get(), try statusResult.get())
    }
}

/// Runs `operation` to completion and returns its outcome instead of throwing. Concurrent reads
/// go through this so that one failing never cancels the other: cancelling an in-flight
/// URLSession task on Linux can leave its `await` suspended forever.
public func settled<T: Sendable>(_ operation: @Sendable () async throws -> T) async -> Result<T, any Error> {
    do { return .success(try await operation()) } catch { return .failure(error) }
}

extension Subject {
    var apiSubject: APISubject {
        switch self {
        case .me: .me
        case .user(let id): .user(id: id)
        }
    }
}

extension ProfileOwner {
    public init(_ user: WireUser) {
        self.init(id: user.id, firstName: user.firstName ?? "", lastName: user.lastName ?? "",
                  nickname: user.nickname ?? "", isBot: user.bot ?? false)
    }
}

extension StatusFields {
    /// From the wire: `away_message` is `{"text":…}` or null, `expires_at` a string or null.
    public init(_ wire: WireUserStatus) {
        self.init(emoji: wire.emoji, title: wire.title, isAway: wire.isAway,
                  awayMessage: wire.awayMessage?.text,
                  // Validated when decoded (an unparseable one is an error); the core's arithmetic
                  // parser first, which avoids loading ICU on every run.
                  expiresAt: wire.expiresAt.flatMap { (try? Timestamp.parse($0)) ?? wire.expiresAtDate })
    }
}

extension WireStatusUpdate {
    /// The whole status for `PUT /profile/status`; absent values are omitted, never null.
    init(_ status: StatusFields) {
        self.init(emoji: status.emoji, title: status.title, expiresAt: status.expiresAt,
                  isAway: status.isAway, awayMessage: status.awayMessage)
    }
}
