// libcurl for Swift: typed doors into the variadic curl_easy_setopt / curl_easy_getinfo (Swift
// cannot call C variadic functions), and the library itself found with dlopen on first use.
// Linking libcurl would load its whole dependency tree (OpenSSL, GnuTLS, Kerberos, LDAP, …;
// about 6 MB of RSS and their constructors) into runs that never touch the network, such as
// `--version` and `validate`.
#include <curl/curl.h>
#include <dlfcn.h>
#include <stddef.h>

typedef size_t (*ccurl_data_fn)(char *buffer, size_t size, size_t count, void *context);

/// libcurl's entry points, filled by ccurl_load.
typedef struct ccurl_api {
    CURLcode (*global_init)(long flags);
    CURL *(*easy_init)(void);
    CURLcode (*easy_setopt)(CURL *, CURLoption, ...);
    CURLcode (*easy_getinfo)(CURL *, CURLINFO, ...);
    void (*easy_cleanup)(CURL *);
    const char *(*easy_strerror)(CURLcode);
    CURLM *(*multi_init)(void);
    CURLMcode (*multi_setopt)(CURLM *, CURLMoption, ...);
    CURLMcode (*multi_add_handle)(CURLM *, CURL *);
    CURLMcode (*multi_remove_handle)(CURLM *, CURL *);
    CURLMcode (*multi_perform)(CURLM *, int *running);
    CURLMsg *(*multi_info_read)(CURLM *, int *left);
    CURLMcode (*multi_poll)(CURLM *, struct curl_waitfd *, unsigned int, int timeout_ms, int *ready);
    CURLMcode (*multi_wakeup)(CURLM *);
    struct curl_slist *(*slist_append)(struct curl_slist *, const char *);
    void (*slist_free_all)(struct curl_slist *);
} ccurl_api;

/// Opens libcurl and fills `api`. Returns NULL, or why it failed (dlerror's text).
static inline const char *ccurl_load(ccurl_api *api) {
    // One platform's names only, so a failure's dlerror text names the library that was
    // expected there (Linux: the libcurl4 package's soname), not another system's.
#if defined(__APPLE__)
    const char *names[] = {"libcurl.4.dylib", "libcurl.dylib"};
#else
    const char *names[] = {"libcurl.so.4"};
#endif
    void *lib = NULL;
    for (size_t i = 0; i < sizeof names / sizeof names[0] && !lib; i++) lib = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
    if (!lib) return dlerror();
#define CCURL_SYMBOL(field, name) \
    if (!(*(void **)&api->field = dlsym(lib, name))) return dlerror();
    CCURL_SYMBOL(global_init, "curl_global_init")
    CCURL_SYMBOL(easy_init, "curl_easy_init")
    CCURL_SYMBOL(easy_setopt, "curl_easy_setopt")
    CCURL_SYMBOL(easy_getinfo, "curl_easy_getinfo")
    CCURL_SYMBOL(easy_cleanup, "curl_easy_cleanup")
    CCURL_SYMBOL(easy_strerror, "curl_easy_strerror")
    CCURL_SYMBOL(multi_init, "curl_multi_init")
    CCURL_SYMBOL(multi_setopt, "curl_multi_setopt")
    CCURL_SYMBOL(multi_add_handle, "curl_multi_add_handle")
    CCURL_SYMBOL(multi_remove_handle, "curl_multi_remove_handle")
    CCURL_SYMBOL(multi_perform, "curl_multi_perform")
    CCURL_SYMBOL(multi_info_read, "curl_multi_info_read")
    CCURL_SYMBOL(multi_poll, "curl_multi_poll")
    CCURL_SYMBOL(multi_wakeup, "curl_multi_wakeup")
    CCURL_SYMBOL(slist_append, "curl_slist_append")
    CCURL_SYMBOL(slist_free_all, "curl_slist_free_all")
#undef CCURL_SYMBOL
    return NULL;
}

static inline CURLcode ccurl_global_init(const ccurl_api *a, long flags) { return a->global_init(flags); }
static inline CURL *ccurl_easy_init(const ccurl_api *a) { return a->easy_init(); }
static inline void ccurl_easy_cleanup(const ccurl_api *a, CURL *h) { a->easy_cleanup(h); }
static inline const char *ccurl_strerror(const ccurl_api *a, CURLcode c) { return a->easy_strerror(c); }
static inline CURLM *ccurl_multi_init(const ccurl_api *a) { return a->multi_init(); }
static inline CURLMcode ccurl_multi_add(const ccurl_api *a, CURLM *m, CURL *h) { return a->multi_add_handle(m, h); }
static inline CURLMcode ccurl_multi_remove(const ccurl_api *a, CURLM *m, CURL *h) { return a->multi_remove_handle(m, h); }
static inline CURLMcode ccurl_multi_perform(const ccurl_api *a, CURLM *m, int *running) { return a->multi_perform(m, running); }
static inline CURLMsg *ccurl_multi_info_read(const ccurl_api *a, CURLM *m, int *left) { return a->multi_info_read(m, left); }
static inline CURLMcode ccurl_multi_poll(const ccurl_api *a, CURLM *m, int timeout_ms) { return a->multi_poll(m, NULL, 0, timeout_ms, NULL); }
static inline CURLMcode ccurl_multi_wakeup(const ccurl_api *a, CURLM *m) { return a->multi_wakeup(m); }
static inline struct curl_slist *ccurl_slist_append(const ccurl_api *a, struct curl_slist *l, const char *s) { return a->slist_append(l, s); }
static inline void ccurl_slist_free_all(const ccurl_api *a, struct curl_slist *l) { a->slist_free_all(l); }

static inline CURLcode ccurl_set_long(const ccurl_api *a, CURL *h, CURLoption o, long v) { return a->easy_setopt(h, o, v); }
static inline CURLcode ccurl_set_off(const ccurl_api *a, CURL *h, CURLoption o, curl_off_t v) { return a->easy_setopt(h, o, v); }
static inline CURLcode ccurl_set_string(const ccurl_api *a, CURL *h, CURLoption o, const char *v) { return a->easy_setopt(h, o, v); }
static inline CURLcode ccurl_set_pointer(const ccurl_api *a, CURL *h, CURLoption o, void *v) { return a->easy_setopt(h, o, v); }
static inline CURLcode ccurl_set_slist(const ccurl_api *a, CURL *h, CURLoption o, struct curl_slist *v) { return a->easy_setopt(h, o, v); }
/// CURLOPT_WRITEFUNCTION or CURLOPT_HEADERFUNCTION.
static inline CURLcode ccurl_set_data_fn(const ccurl_api *a, CURL *h, CURLoption o, ccurl_data_fn f) { return a->easy_setopt(h, o, f); }

static inline CURLcode ccurl_get_long(const ccurl_api *a, CURL *h, CURLINFO i, long *v) { return a->easy_getinfo(h, i, v); }
static inline CURLcode ccurl_get_off(const ccurl_api *a, CURL *h, CURLINFO i, curl_off_t *v) { return a->easy_getinfo(h, i, v); }

static inline CURLMcode ccurl_multi_set_long(const ccurl_api *a, CURLM *m, CURLMoption o, long v) { return a->multi_setopt(m, o, v); }
/// The result of a finished transfer (a union member in CURLMsg).
static inline CURLcode ccurl_message_result(const CURLMsg *m) { return m->data.result; }
