/* A stand-in for a vendor's SDT reader library (libsdtapi.so), for tests/test_idcard_sdk.py.
 *
 * It exports the SDT functions devices/idcard/sdk.py calls, by the names and signatures of the
 * public header sdtapi.h (libinqi/idr-routon, tmp/include/sdtapi.h; STDCALL is empty off Windows,
 * so these are plain cdecl), and returns what a reader returns: the SAM status words (0x90 success,
 * 0x9F card found, 0x80 no card, 0x81 select failed, 0x41 read failed, ...) and the transport codes
 * 0x01-0x06 of the SDT manuals. No hardware: a test steers it through the functions named
 * standin_*, which no SDK exports. Build with: gcc -shared -fPIC -o libsdtapi.so sdtapi_standin.c
 * (-DSTANDIN_WITHOUT_READ leaves out SDT_ReadBaseMsg, a library missing a symbol; -DSTANDIN_HANG_IN_FIND makes
 * SDT_StartFindIDCard never return, a reader's library stuck in a call).
 */

#include <pthread.h>
#include <string.h>
#include <unistd.h>

#define TEXT_MAX 256
#define PHOTO_MAX 1024
#define APP_MAX 280

enum { C_OPEN, C_CLOSE, C_SAM, C_FIND, C_SELECT, C_READ, C_APP, C_COUNT };
static const char *const call_names[C_COUNT] = {"open", "close", "sam", "find", "select", "read", "app"};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int calls[C_COUNT];
static int port_open;
static int opened_port = -1;
static int placed;                 /* a card lies on the reader */
static int read_since_placed;      /* ... and was read */
static int quiet_after_read = 1;   /* find answers 0x80 after a read while the card lies there (most readers) */
static int fail_all;               /* every call but open and close returns this, when not 0 */
static int fail_read;              /* SDT_ReadBaseMsg returns this, when not 0 */
static int sam_status = 0x90;
static unsigned char text[TEXT_MAX], photo[PHOTO_MAX], app[APP_MAX];
static unsigned text_len, photo_len, app_len;
static unsigned char *last_text, *last_photo;  /* the caller's buffers the last read wrote */
static unsigned last_text_cap, last_photo_cap;

static int begin(int which, int port) {
    pthread_mutex_lock(&lock);
    calls[which]++;
    if (fail_all) return fail_all;
    if (!port_open || port != opened_port) return 0x01;  /* port not open */
    return 0;
}

static int end(int rc) {
    pthread_mutex_unlock(&lock);
    return rc;
}

/* -- the SDT API ------------------------------------------------------------------------------ */

int SDT_OpenPort(int iPort) {
    pthread_mutex_lock(&lock);
    calls[C_OPEN]++;
    if (!((iPort >= 1 && iPort <= 16) || (iPort >= 1001 && iPort <= 1016))) return end(0x01);
    port_open = 1;
    opened_port = iPort;
    return end(0x90);
}

int SDT_ClosePort(int iPort) {
    pthread_mutex_lock(&lock);
    calls[C_CLOSE]++;
    (void)iPort;
    port_open = 0;
    return end(0x90);
}

int SDT_GetSAMStatus(int iPort, int iIfOpen) {
    int rc = begin(C_SAM, iPort);
    (void)iIfOpen;
    return end(rc ? rc : sam_status);
}

int SDT_GetSAMIDToStr(int iPort, char *pcSAMID, int iIfOpen) {
    int rc = begin(C_SAM, iPort);
    (void)iIfOpen;
    if (rc) return end(rc);
    strcpy(pcSAMID, "05.01-20240101-0000000001-0000000042");
    return end(sam_status);
}

int SDT_StartFindIDCard(int iPort, unsigned char *pucManaInfo, int iIfOpen) {
#ifdef STANDIN_HANG_IN_FIND
    for (;;) sleep(3600);
#endif
    int rc = begin(C_FIND, iPort);
    (void)iIfOpen;
    if (rc) return end(rc);
    if (!placed || (quiet_after_read && read_since_placed)) return end(0x80);
    memset(pucManaInfo, 0, 4);
    return end(0x9F);
}

int SDT_SelectIDCard(int iPort, unsigned char *pucManaMsg, int iIfOpen) {
    int rc = begin(C_SELECT, iPort);
    (void)iIfOpen;
    if (rc) return end(rc);
    if (!placed) return end(0x81);
    memset(pucManaMsg, 0x5A, 8);  /* the card's serial number */
    return end(0x90);
}

#ifndef STANDIN_WITHOUT_READ
int SDT_ReadBaseMsg(int iPort, unsigned char *pucCHMsg, unsigned int *puiCHMsgLen, unsigned char *pucPHMsg,
                    unsigned int *puiPHMsgLen, int iIfOpen) {
    int rc = begin(C_READ, iPort);
    (void)iIfOpen;
    if (rc) return end(rc);
    if (!placed) return end(0x41);
    if (fail_read) return end(fail_read);
    memcpy(pucCHMsg, text, text_len);
    memcpy(pucPHMsg, photo, photo_len);
    *puiCHMsgLen = text_len;
    *puiPHMsgLen = photo_len;
    last_text = pucCHMsg;
    last_photo = pucPHMsg;
    last_text_cap = text_len;
    last_photo_cap = photo_len;
    read_since_placed = 1;
    return end(0x90);
}
#endif

int SDT_ReadNewAppMsg(int iPort, unsigned char *pucAppMsg, unsigned int *puiAppMsgLen, int iIfOpen) {
    int rc = begin(C_APP, iPort);
    (void)iIfOpen;
    if (rc) return end(rc);
    if (!placed) return end(0x41);
    if (!app_len) return end(0x91);  /* no content */
    memcpy(pucAppMsg, app, app_len);
    *puiAppMsgLen = app_len;
    return end(0x90);
}

/* -- steering, for the tests only ------------------------------------------------------------- */

void standin_place(const unsigned char *t, unsigned tl, const unsigned char *p, unsigned pl,
                   const unsigned char *a, unsigned al) {
    pthread_mutex_lock(&lock);
    text_len = tl < TEXT_MAX ? tl : TEXT_MAX;
    photo_len = pl < PHOTO_MAX ? pl : PHOTO_MAX;
    app_len = al < APP_MAX ? al : APP_MAX;
    memcpy(text, t, text_len);
    memcpy(photo, p, photo_len);
    if (app_len) memcpy(app, a, app_len);
    placed = 1;
    read_since_placed = 0;
    pthread_mutex_unlock(&lock);
}

void standin_remove(void) {
    pthread_mutex_lock(&lock);
    placed = read_since_placed = 0;
    memset(text, 0, sizeof text);
    memset(photo, 0, sizeof photo);
    memset(app, 0, sizeof app);
    pthread_mutex_unlock(&lock);
}

void standin_fail(int code) { pthread_mutex_lock(&lock); fail_all = code; pthread_mutex_unlock(&lock); }
void standin_fail_read(int code) { pthread_mutex_lock(&lock); fail_read = code; pthread_mutex_unlock(&lock); }
void standin_quiet_after_read(int quiet) { pthread_mutex_lock(&lock); quiet_after_read = quiet; pthread_mutex_unlock(&lock); }
void standin_sam_status(int code) { pthread_mutex_lock(&lock); sam_status = code; pthread_mutex_unlock(&lock); }

int standin_calls(const char *name) {
    int i, n = -1;
    pthread_mutex_lock(&lock);
    for (i = 0; i < C_COUNT; i++)
        if (strcmp(name, call_names[i]) == 0) n = calls[i];
    pthread_mutex_unlock(&lock);
    return n;
}

/* 1 when the buffers the last read wrote hold only zeros now (the caller wiped them); -1: no read yet. */
int standin_read_buffers_zeroed(void) {
    unsigned i;
    int zeroed = 1;
    pthread_mutex_lock(&lock);
    if (!last_text) zeroed = -1;
    for (i = 0; zeroed == 1 && i < last_text_cap; i++) zeroed = last_text[i] == 0;
    for (i = 0; zeroed == 1 && i < last_photo_cap; i++) zeroed = last_photo[i] == 0;
    pthread_mutex_unlock(&lock);
    return zeroed;
}
