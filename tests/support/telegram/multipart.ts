/**
 * Just enough multipart/form-data for the fake Bot API: grammY uploads a document as one part
 * per field and one per file, the payload pointing at the file with `attach://<id>`.
 */

/** One uploaded file. */
export interface Upload {
  filename: string;
  content: Buffer;
}

/** The fields (as strings) and the files of a multipart body, by part name. */
export function parseMultipart(
  body: Buffer,
  contentType: string,
): { fields: Record<string, string>; files: Record<string, Upload> } {
  const boundary = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  const mark = boundary?.[1] ?? boundary?.[2];
  if (!mark) throw new Error("multipart body without a boundary");
  const fields: Record<string, string> = {};
  const files: Record<string, Upload> = {};
  const first = Buffer.from(`--${mark}`);
  const between = Buffer.from(`\r\n--${mark}`);
  let pos = body.indexOf(first);
  while (pos >= 0) {
    let start = pos + (pos === body.indexOf(first) ? first.length : between.length);
    if (body.subarray(start, start + 2).toString() === "--") break;
    start += 2;
    const next = body.indexOf(between, start);
    if (next < 0) break;
    const part = body.subarray(start, next);
    const split = part.indexOf("\r\n\r\n");
    const head = part.subarray(0, split).toString("utf8");
    const content = part.subarray(split + 4);
    const name = /name="([^"]*)"/i.exec(head)?.[1] ?? "";
    const filename = /filename="?([^";\r\n]+)"?/i.exec(head)?.[1];
    if (filename !== undefined) files[name] = { filename, content: Buffer.from(content) };
    else fields[name] = content.toString("utf8");
    pos = next;
  }
  return { fields, files };
}
