#ifndef TACT_CXML2_SHIM_H
#define TACT_CXML2_SHIM_H
// libxml2's HTML parser: MailParsing turns HTML-only mail into readable text with it.
// Debian builds libxml2 with ICU, and its encoding.h then includes ICU headers that clash with
// Foundation's own copy of ICU ("UErrorCode has different definitions"). Tact never touches
// libxml2's encoding handlers (it passes UTF-8 only), so the ICU parts are left out.
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED
#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

/// The parser options for hostile mail HTML: recover from any error, print nothing, never touch
/// the network, and no 256-level depth cap that would drop the rest of a deeply nested
/// document (the walk in HTMLText bounds its own depth).
static inline int tact_xml_html_mail_options(void) {
    return HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET | XML_PARSE_HUGE;
}

/// xmlFree is a global function pointer, which Swift 6 refuses as shared mutable state.
static inline void tact_xml_free(void *pointer) { xmlFree(pointer); }
#endif
