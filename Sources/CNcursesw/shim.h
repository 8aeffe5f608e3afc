#ifndef WEFT_CNCURSESW_SHIM_H
#define WEFT_CNCURSESW_SHIM_H
// Wide-character curses needs the X/Open extended interfaces declared.
#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif
#include <locale.h>
#include <ncursesw/curses.h>

// Attribute and line-drawing macros do not import into Swift; these functions expose them.
static inline int weft_a_bold(void) { return (int)A_BOLD; }
static inline int weft_a_dim(void) { return (int)A_DIM; }
static inline int weft_a_reverse(void) { return (int)A_REVERSE; }
static inline int weft_a_underline(void) { return (int)A_UNDERLINE; }
static inline int weft_a_normal(void) { return (int)A_NORMAL; }
static inline int weft_color_pair(int n) { return (int)COLOR_PAIR(n); }
static inline chtype weft_acs_hline(void) { return ACS_HLINE; }
static inline chtype weft_acs_vline(void) { return ACS_VLINE; }
#endif
