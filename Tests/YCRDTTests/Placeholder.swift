import Testing

@Test func placeholderYCRDTTests() { #expect(Bool(true)) }
