import Testing

@Test func placeholder_PachcaAPITests() {}
