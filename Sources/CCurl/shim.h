// Typed doors into libcurl for Swift, which cannot call C variadic functions: one wrapper per
// value type of curl_easy_setopt / curl_easy_getinfo, plus the callback signatures.
#include <curl/curl.h>

typedef size_t (*ccurl_data_fn)(char *buffer, size_t size, size_t count, void *context);

static inline CURLcode ccurl_set_long(CURL *h, CURLoption o, long v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode ccurl_set_off(CURL *h, CURLoption o, curl_off_t v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode ccurl_set_string(CURL *h, CURLoption o, const char *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode ccurl_set_pointer(CURL *h, CURLoption o, void *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode ccurl_set_slist(CURL *h, CURLoption o, struct curl_slist *v) { return curl_easy_setopt(h, o, v); }
/// CURLOPT_WRITEFUNCTION or CURLOPT_HEADERFUNCTION.
static inline CURLcode ccurl_set_data_fn(CURL *h, CURLoption o, ccurl_data_fn f) { return curl_easy_setopt(h, o, f); }

static inline CURLcode ccurl_get_long(CURL *h, CURLINFO i, long *v) { return curl_easy_getinfo(h, i, v); }
static inline CURLcode ccurl_get_off(CURL *h, CURLINFO i, curl_off_t *v) { return curl_easy_getinfo(h, i, v); }

static inline CURLMcode ccurl_multi_set_long(CURLM *m, CURLMoption o, long v) { return curl_multi_setopt(m, o, v); }
/// The result of a finished transfer (a union member in CURLMsg).
static inline CURLcode ccurl_message_result(const CURLMsg *m) { return m->data.result; }
