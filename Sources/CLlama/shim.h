#ifndef GREENMARK_CLLAMA_SHIM_H
#define GREENMARK_CLLAMA_SHIM_H
#include <llama.h>
#endif
