/** The usage example of USAGE.md, compiled and run as a consumer of the library would. */
package com.alphapulse.tenant.example;
