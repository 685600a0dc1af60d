import Testing

@Test func placeholder_PachcaEmulatorTests() {}
