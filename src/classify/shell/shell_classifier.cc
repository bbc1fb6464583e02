#include "drawbridge/classify.h"
