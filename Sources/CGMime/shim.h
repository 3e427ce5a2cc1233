#ifndef TACT_CGMIME_SHIM_H
#define TACT_CGMIME_SHIM_H
// GMime's type-check and cast macros are function-like: Swift does not import them.
// The static inline functions here are the whole C surface MailParsing uses; each checked cast
// returns NULL when the object is not of that type, so Swift never casts blindly.
#include <gmime/gmime.h>

static inline GMimeObject *tact_gmime_message_object(GMimeMessage *message) { return GMIME_OBJECT(message); }

static inline GMimeMultipart *tact_gmime_as_multipart(GMimeObject *object) {
    return GMIME_IS_MULTIPART(object) ? GMIME_MULTIPART(object) : NULL;
}
static inline GMimePart *tact_gmime_as_part(GMimeObject *object) {
    return GMIME_IS_PART(object) ? GMIME_PART(object) : NULL;
}
static inline GMimeTextPart *tact_gmime_as_text_part(GMimeObject *object) {
    return GMIME_IS_TEXT_PART(object) ? GMIME_TEXT_PART(object) : NULL;
}
static inline GMimeMessagePart *tact_gmime_as_message_part(GMimeObject *object) {
    return GMIME_IS_MESSAGE_PART(object) ? GMIME_MESSAGE_PART(object) : NULL;
}
static inline InternetAddressMailbox *tact_internet_address_as_mailbox(InternetAddress *address) {
    return INTERNET_ADDRESS_IS_MAILBOX(address) ? INTERNET_ADDRESS_MAILBOX(address) : NULL;
}
static inline InternetAddressGroup *tact_internet_address_as_group(InternetAddress *address) {
    return INTERNET_ADDRESS_IS_GROUP(address) ? INTERNET_ADDRESS_GROUP(address) : NULL;
}

/// Releases any GObject (parser, stream, message) the caller owns.
static inline void tact_gobject_unref(void *object) { g_object_unref(object); }

/// The decoded size in bytes of a leaf part's content (after base64/quoted-printable), counted by
/// writing it to a null stream so nothing is kept in memory.
static inline gint64 tact_gmime_part_decoded_size(GMimePart *part) {
    GMimeDataWrapper *content = g_mime_part_get_content(part);
    if (content == NULL) return 0;
    GMimeStream *sink = g_mime_stream_null_new();
    g_mime_data_wrapper_write_to_stream(content, sink);
    gint64 written = (gint64) GMIME_STREAM_NULL(sink)->written;
    g_object_unref(sink);
    return written;
}

/// The decoded content of a leaf part (no charset conversion), as a GByteArray the caller frees
/// with g_byte_array_unref. For message/delivery-status and text/rfc822-headers parts.
static inline GByteArray *tact_gmime_part_decoded_bytes(GMimePart *part, gint64 limit) {
    GMimeDataWrapper *content = g_mime_part_get_content(part);
    GByteArray *bytes = g_byte_array_new();
    if (content == NULL) return bytes;
    GMimeStream *sink = g_mime_stream_mem_new_with_byte_array(bytes);
    g_mime_stream_mem_set_owner(GMIME_STREAM_MEM(sink), FALSE);
    g_mime_data_wrapper_write_to_stream(content, sink);
    g_object_unref(sink);
    if (limit >= 0 && (gint64) bytes->len > limit) g_byte_array_set_size(bytes, (guint) limit);
    return bytes;
}

/// The serialized size in bytes of an object (an attached message/rfc822), counted without
/// keeping a copy.
static inline gint64 tact_gmime_object_size(GMimeObject *object) {
    GMimeStream *sink = g_mime_stream_null_new();
    g_mime_object_write_to_stream(object, NULL, sink);
    gint64 written = (gint64) GMIME_STREAM_NULL(sink)->written;
    g_object_unref(sink);
    return written;
}

/// A header's value as g_mime_header_get_value gives it for a parsed header of that raw value:
/// unfolded, then RFC 2047 words decoded. The caller frees it with g_free.
static inline char *tact_gmime_header_value(GMimeParserOptions *options, const char *raw) {
    char *unfolded = g_mime_utils_header_unfold(raw);
    char *value = g_mime_utils_header_decode_text(options, unfolded);
    g_free(unfolded);
    return value;
}

/// Loose decoding for real-world mail: undeclared 8-bit headers are tried as UTF-8, then as
/// windows-1252 (a superset of latin-1 that Outlook sends under either label).
static inline void tact_gmime_set_fallback_charsets(GMimeParserOptions *options) {
    static const char *charsets[] = { "UTF-8", "windows-1252", NULL };
    g_mime_parser_options_set_fallback_charsets(options, charsets);
}
#endif
