#ifndef WEFT_HEAP_STATS_H
#define WEFT_HEAP_STATS_H
#include <stddef.h>

/// Bytes the C allocator has handed out and not had back (glibc's mallinfo2), or 0 elsewhere.
size_t weft_heap_bytes_in_use(void);

#endif
