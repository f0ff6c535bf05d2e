import { useState } from 'preact/hooks';
import { getFile } from '../api.ts';
import { count } from '../format.ts';

type DownloadState = { status: 'idle' } | { status: 'loading' } | { status: 'done'; filename: string; bytes: number } | { status: 'error'; message: string };

/**
 * A file answer of the API (a CSV) saved by the browser: fetched with the
 * key in the Authorization header (never in a link), then a Blob saved
 * under the name the server gave it (`fallbackName` without one).
 */
export function Download({ sessionKey, path, fallbackName, label, busyLabel }: { sessionKey: string; path: string; fallbackName: string; label: string; busyLabel: string }) {
  const [state, setState] = useState<DownloadState>({ status: 'idle' });
  const download = async () => {
    setState({ status: 'loading' });
    try {
      const { blob, filename } = await getFile(path, sessionKey, fallbackName);
      const url = URL.createObjectURL(blob);
      const link = document.createElement('a');
      link.href = url;
      link.download = filename;
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      setState({ status: 'done', filename, bytes: blob.size });
    } catch (error) {
      setState({ status: 'error', message: (error as Error).message });
    }
  };
  return (
    <div class="download">
      <button type="button" class="primary" onClick={download} disabled={state.status === 'loading'} data-action="download">
        {state.status === 'loading' ? busyLabel : label}
      </button>
      <span role="status" aria-live="polite">
        {state.status === 'done' && `Downloaded ${state.filename} (${count(Math.ceil(state.bytes / 1024))} KB).`}
      </span>
      {state.status === 'error' && (
        <span class="field-error" role="alert">
          {state.message}
        </span>
      )}
    </div>
  );
}
