/* version.h: the version every program and reply reports. */
#ifndef SGW_GW_VERSION_H
#define SGW_GW_VERSION_H

#include "config.h"

#define SIPGW_VERSION PACKAGE_VERSION

#endif
