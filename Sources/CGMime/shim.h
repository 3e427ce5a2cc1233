#ifndef TACT_CGMIME_SHIM_H
#define TACT_CGMIME_SHIM_H
// GMime's type-check and cast macros are function-like: Swift does not import them.
// The static inline functions here are the C surface MailParsing uses.
#include <gmime/gmime.h>

static inline int tact_gmime_is_message(GObject *object) { return GMIME_IS_MESSAGE(object); }
static inline int tact_gmime_is_multipart(GObject *object) { return GMIME_IS_MULTIPART(object); }
static inline int tact_gmime_is_part(GObject *object) { return GMIME_IS_PART(object); }
static inline int tact_gmime_is_text_part(GObject *object) { return GMIME_IS_TEXT_PART(object); }
static inline int tact_gmime_is_message_part(GObject *object) { return GMIME_IS_MESSAGE_PART(object); }
#endif
