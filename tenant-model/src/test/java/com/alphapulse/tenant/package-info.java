/** Tests of the domain types, which need no database. */
package com.alphapulse.tenant;
