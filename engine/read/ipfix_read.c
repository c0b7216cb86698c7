/* placeholder until the reader lands; see ipfix_read.h */
#include "ipfix_read.h"
