import Testing

@Test func placeholder_ProfileYAMLTests() {}
