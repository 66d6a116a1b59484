// A POST written by hand, chunk by chunk, so that a body can be huge without being built in memory
// and be sent without a length (chunked); it resolves as soon as the server answers.
import { request as httpRequest } from "node:http";

export interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  ms: number;
}

export function rawPost(
  url: string,
  {
    headers = {},
    chunk = "",
    chunks = 1,
  }: { headers?: Record<string, string>; chunk?: string; chunks?: number },
): Promise<RawAnswer> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: "POST", headers });
    let answered = false;
    req.on("response", (res) => {
      answered = true;
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (part: string) => (body += part));
      res.on("end", () =>
        resolve({ status: res.statusCode!, headers: res.headers, body, ms: Date.now() - started }),
      );
    });
    // The server closes the connection once it has refused: the rest of the upload fails, as intended.
    req.on("error", (error) => {
      if (!answered) reject(error);
    });
    const piece = Buffer.from(chunk);
    let sent = 0;
    const write = () => {
      while (sent < chunks && !answered && !req.destroyed) {
        sent++;
        if (!req.write(piece)) return void req.once("drain", write);
      }
      if (!answered && !req.destroyed) req.end();
    };
    write();
  });
}
