// The console is a single-page app: a path without a file extension (`/usage`, `/simulate/abc`) is
// a client route and gets index.html. A CloudFront Function on the console's behaviour does it, on
// the request, so /api/* (another behaviour) keeps its own status codes: error responses mapping
// 403/404 to index.html would also turn an API's 404 into a 200 page.

/** The viewer-request function (cloudfront-js-2.0): a path whose last segment has no dot -> /index.html. */
export const SPA_REWRITE_CODE = `function handler(event) {
  var request = event.request;
  var uri = request.uri;
  if (uri.lastIndexOf('.') <= uri.lastIndexOf('/')) request.uri = '/index.html';
  return request;
}`
