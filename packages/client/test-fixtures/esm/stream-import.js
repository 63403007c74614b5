// A streaming handler that imports the helpers from the package instead of the global.
import { HttpResponseStream, streamifyResponse } from "@lambkin/client";

export const handler = streamifyResponse(async (_event, responseStream) => {
  const stream = HttpResponseStream.from(responseStream, {
    statusCode: 200,
    headers: { "x-from": "import" },
  });
  stream.end("imported");
});
