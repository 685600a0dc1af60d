import FlyingFox
import Foundation

/// Out-of-process test knobs under `/__emulator/` (no auth, never journaled):
///
/// | call | body | effect |
/// | --- | --- | --- |
/// | `GET journal` | | JSON array of journal entries |
/// | `POST reset-journal` | | empties the journal |
/// | `POST fault` | `{"fault":{"type":"status","status":503},"method":"PUT","path":"/profile/status","count":2}` | arms a fault |
/// | `DELETE fault` | | disarms all faults |
/// | `POST clock/advance` | `{"seconds":10}` | moves the clock |
/// | `POST clock/set` | `{"now":"2025-03-10T00:00:00Z"}` | sets the clock |
/// | `GET state` | | `{"now":…,"status":…|null,"avatar_url":…|null}` |
/// | `POST state` | `{"status":{…}|null,"avatar":{"bytes":"<base64>","file_name":"x.png"}|null}` | sets what is given |
/// | `POST token` | `{"token":"…","scopes":[…]}` or `{"token":"…","revoke":true}` | grants or revokes |
struct Control {
    let emulator: Emulator

    private struct ClockAdvance: Decodable { var seconds: Double }
    private struct ClockSet: Decodable { var now: String }
    private struct TokenChange: Decodable { var token: String; var scopes: [String]?; var revoke: Bool? }
    private struct StateChange: Decodable {
        var status: SeedStatus??
        var avatar: SeedAvatar??
        enum CodingKeys: String, CodingKey { case status, avatar }
        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            // Absent: unchanged; null: delete; object: set.
            status = c.contains(.status) ? .some(try c.decodeIfPresent(SeedStatus.self, forKey: .status)) : .none
            avatar = c.contains(.avatar) ? .some(try c.decodeIfPresent(SeedAvatar.self, forKey: .avatar)) : .none
        }
    }

    func handle(_ request: HTTPRequest) async -> Reply {
        let route = String(request.path.dropFirst(Emulator.controlPrefix.count))
        let method = request.method.rawValue.uppercased()
        let body = (try? await request.bodyData) ?? Data()
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        do {
            switch (method, route) {
            case ("GET", "journal"):
                return .json(200, .array(await emulator.journal().map(\.json)))
            case ("POST", "reset-journal"):
                await emulator.resetJournal()
                return .noContent()
            case ("POST", "fault"):
                await emulator.core.addFault(try decoder.decode(FaultRule.self, from: body))
                return .noContent()
            case ("DELETE", "fault"):
                await emulator.clearFaults()
                return .noContent()
            case ("POST", "clock/advance"):
                emulator.advanceClock(by: try decoder.decode(ClockAdvance.self, from: body).seconds)
                return await state()
            case ("POST", "clock/set"):
                let text = try decoder.decode(ClockSet.self, from: body).now
                guard let date = WireTime.parse(text) else { return Self.error(400, "now: not an RFC 3339 timestamp: \(text)") }
                emulator.setNow(date)
                return await state()
            case ("GET", "state"):
                return await state()
            case ("POST", "state"):
                let change = try decoder.decode(StateChange.self, from: body)
                if let s = change.status { try await emulator.setStatus(s) }
                if let a = change.avatar {
                    await emulator.setAvatar(bytes: a.map { [UInt8]($0.bytes) }, fileName: a?.fileName ?? "avatar.png")
                }
                return await state()
            case ("POST", "token"):
                let change = try decoder.decode(TokenChange.self, from: body)
                if change.revoke == true {
                    await emulator.revokeToken(change.token)
                } else {
                    await emulator.setTokenScopes(token: change.token, scopes: change.scopes ?? [])
                }
                return .noContent()
            default:
                return Self.error(404, "no control endpoint \(method) \(request.path)")
            }
        } catch {
            return Self.error(400, "\(error)")
        }
    }

    private func state() async -> Reply {
        let status = await emulator.currentStatus()
        let statusJSON: JSON = status.map {
            .object([("emoji", .string($0.emoji)), ("title", .string($0.title)), ("expires_at", .optional($0.expiresAt)),
                     ("is_away", .bool($0.isAway)), ("away_message", .optional($0.awayMessage))])
        } ?? .null
        return .json(200, .object([
            ("now", .string(WireTime.format(emulator.now()))),
            ("status", statusJSON),
            ("avatar_url", .optional(await emulator.avatarURL())),
            ("avatar_size", (await emulator.avatarBytes()).map { .int($0.count) } ?? .null),
        ]))
    }

    static func error(_ status: Int, _ message: String) -> Reply {
        .json(status, .object([("error", .string(message))]))
    }
}
