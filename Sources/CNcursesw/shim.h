#ifndef WEFT_CNCURSESW_SHIM_H
#define WEFT_CNCURSESW_SHIM_H
// Wide-character curses needs the X/Open extended interfaces declared.
#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif
#include <locale.h>
#include <langinfo.h>
#include <wchar.h>
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

static inline attr_t weft_attr_bold(void) { return A_BOLD; }
static inline attr_t weft_attr_dim(void) { return A_DIM; }
static inline attr_t weft_attr_reverse(void) { return A_REVERSE; }
static inline attr_t weft_attr_underline(void) { return A_UNDERLINE; }
static inline attr_t weft_attr_italic(void) { return A_ITALIC; }
static inline attr_t weft_attr_normal(void) { return A_NORMAL; }

// stdscr and the terminal's size and colours, without touching the globals from Swift.
static inline WINDOW *weft_stdscr(void) { return stdscr; }
static inline int weft_lines(void) { return LINES; }
static inline int weft_cols(void) { return COLS; }
static inline int weft_colors(void) { return COLORS; }
static inline int weft_color_pairs(void) { return COLOR_PAIRS; }

// The locale's character set, after setlocale(LC_ALL, ""): "UTF-8" when box drawing is safe.
static inline const char *weft_codeset(void) { return nl_langinfo(CODESET); }

// Draws one cell: a spacing character and up to four combining ones (`text` is NUL-terminated),
// with attributes and a colour pair.
static inline int weft_put_cell(int y, int x, const wchar_t *text, attr_t attributes, short pair) {
    cchar_t cell;
    if (setcchar(&cell, text, attributes, pair, NULL) != OK) return ERR;
    return mvwadd_wch(stdscr, y, x, &cell);
}

// Reads one key without waiting (nodelay is set): OK with a character, KEY_CODE_YES with a key
// code, ERR when there is none. `value` receives either.
static inline int weft_read_key(int *value) {
    wint_t key = 0;
    int result = wget_wch(stdscr, &key);
    *value = (int)key;
    return result;
}
#endif
