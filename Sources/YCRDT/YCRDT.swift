/// A Yjs-compatible CRDT in pure Swift.
public enum YCRDTModule {}
