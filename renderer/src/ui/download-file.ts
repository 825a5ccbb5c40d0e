/** Saves data as a download: the browser puts it where downloads go; the desktop app asks where to save it. */
export function downloadFile(fileName: string, data: Blob): void {
  const url = URL.createObjectURL(data);
  const anchor = document.createElement('a');
  anchor.href = url;
  anchor.download = fileName;
  anchor.style.display = 'none';
  document.body.append(anchor);
  anchor.click();
  anchor.remove();
  // The download has its own copy once started; the URL only has to live until then.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
