#ifndef TACT_CXML2_SHIM_H
#define TACT_CXML2_SHIM_H
// libxml2's HTML parser: MailParsing turns HTML-only mail into readable text with it.
#include <libxml/HTMLparser.h>
#include <libxml/tree.h>
#endif
