package com.composerelay.trigger;

/** Which API Gateway payload an HTTP event uses: HTTP API payload 2.0, or the REST API proxy's. */
public enum PayloadFormat { HTTP_API_V2, REST_API_V1 }
