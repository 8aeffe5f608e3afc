import Testing

@Test func placeholderArchitectureTests() { #expect(Bool(true)) }
