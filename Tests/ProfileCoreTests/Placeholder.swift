import Testing

@Test func placeholder_ProfileCoreTests() {}
