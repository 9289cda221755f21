import { describe, expect, it, vi } from 'vitest';

import { CSV_TYPE, mediaTypeOf, sendWithProgress, XLSX_TYPE, type SendProgress } from '../api/upload-file';

/** Just enough of XMLHttpRequest to see what is sent and to answer. */
class FakeXhr {
  static last: FakeXhr | null = null;
  method = '';
  url = '';
  headers: Record<string, string> = {};
  body: unknown = null;
  responseType = '';
  response: unknown = null;
  status = 0;
  upload: { onprogress: ((event: { loaded: number; total: number; lengthComputable: boolean }) => void) | null } = {
    onprogress: null,
  };
  onload: (() => void) | null = null;
  onerror: (() => void) | null = null;
  onabort: (() => void) | null = null;

  constructor() {
    FakeXhr.last = this;
  }
  open(method: string, url: string) {
    this.method = method;
    this.url = url;
  }
  setRequestHeader(name: string, value: string) {
    this.headers[name] = value;
  }
  getAllResponseHeaders() {
    return 'content-type: application/problem+json\r\nx-request-id: abc\r\n';
  }
  send(body: unknown) {
    this.body = body;
  }
  abort() {
    this.onabort?.();
  }
}

describe('sendWithProgress', () => {
  it('sends the file with the request’s headers, reports progress and answers as fetch would', async () => {
    vi.stubGlobal('XMLHttpRequest', FakeXhr);
    const file = new File(['referral_date\n2025-01-01\n'], 'activity.csv', { type: CSV_TYPE });
    const seen: SendProgress[] = [];
    const request = new Request('http://localhost/api/aggregation/equity/datasets/4/files', {
      method: 'POST',
      headers: { Authorization: 'Bearer token', 'Content-Type': CSV_TYPE },
      body: 'ignored',
    });
    const answer = sendWithProgress(file, (p) => seen.push(p))(request);
    const xhr = FakeXhr.last;
    if (xhr === null) throw new Error('no request was sent');
    expect(xhr.method).toBe('POST');
    expect(xhr.url).toBe('http://localhost/api/aggregation/equity/datasets/4/files');
    expect(xhr.headers).toEqual({ authorization: 'Bearer token', 'content-type': CSV_TYPE });
    expect(xhr.body).toBe(file);
    xhr.upload.onprogress?.({ loaded: 10, total: 26, lengthComputable: true });
    xhr.upload.onprogress?.({ loaded: 26, total: 0, lengthComputable: false });
    expect(seen).toEqual([
      { sent: 10, total: 26 },
      { sent: 26, total: file.size },
    ]);
    xhr.status = 422;
    xhr.response = JSON.stringify({ status: 422, detail: 'refused' });
    xhr.onload?.();
    const response = await answer;
    expect(response.status).toBe(422);
    expect(response.headers.get('x-request-id')).toBe('abc');
    expect(await response.json()).toEqual({ status: 422, detail: 'refused' });
  });

  it('fails like fetch when the connection fails', async () => {
    vi.stubGlobal('XMLHttpRequest', FakeXhr);
    const answer = sendWithProgress(new File([''], 'a.csv'), () => undefined)(
      new Request('http://localhost/x', { method: 'POST' }),
    );
    FakeXhr.last?.onerror?.();
    await expect(answer).rejects.toThrow(TypeError);
  });
});

describe('mediaTypeOf', () => {
  it.each([
    [{ name: 'a.CSV', type: '' }, CSV_TYPE],
    [{ name: 'a.txt', type: CSV_TYPE }, CSV_TYPE],
    [{ name: 'book.xlsx', type: '' }, XLSX_TYPE],
    [{ name: 'book.xls', type: 'application/vnd.ms-excel' }, null],
    [{ name: 'notes.pdf', type: 'application/pdf' }, null],
  ])('%o is sent as %s', (file, type) => {
    expect(mediaTypeOf(file)).toBe(type);
  });
});
