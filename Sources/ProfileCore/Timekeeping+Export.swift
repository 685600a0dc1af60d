// The core's time vocabulary (`Timestamp`, `ZoneRules`) comes from the dependency-free
// Timekeeping target, shared with the API client; re-exported so every user of the core has it.
@_exported import Timekeeping
