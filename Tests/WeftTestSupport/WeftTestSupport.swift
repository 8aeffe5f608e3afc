public enum WeftTestSupport {}
