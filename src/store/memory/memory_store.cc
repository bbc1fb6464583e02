#include "drawbridge/store.h"
