import { QueryClientProvider } from '@tanstack/react-query';
import { render, screen, waitFor, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';

import { ApiClientsProvider, createApiClients } from '@/lib/api';
import { createQueryClient } from '@/lib/react-query';
import { fakeFetch, jsonResponse, on } from '@/testing/test-utils';

import { DownloadPdf } from '../components/download-pdf';

const PDF_PATH = '/api/reporting/people/p-1/hef-profile.pdf';

function renderDownload(...routes: Parameters<typeof fakeFetch>) {
  const network = fakeFetch(...routes);
  const clients = createApiClients({
    baseUrl: 'http://localhost:3000',
    getAccessToken: () => Promise.resolve('token-1'),
    fetch: network.fetch,
  });
  render(
    <QueryClientProvider client={createQueryClient()}>
      <ApiClientsProvider clients={clients}>
        <DownloadPdf personId="p-1" assessmentId="a-1" assessedOn="2026-03-10" />
      </ApiClientsProvider>
    </QueryClientProvider>,
  );
  return network;
}

describe('downloading the profile as a PDF', () => {
  it('fetches it with the token for this assessment and saves it under a dated name', async () => {
    const created = vi.fn().mockReturnValue('blob:pdf');
    vi.stubGlobal('URL', Object.assign(URL, { createObjectURL: created, revokeObjectURL: vi.fn() }));
    const clicked = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => undefined);
    const network = renderDownload(
      on('GET', PDF_PATH, () => new Response('%PDF-1.7', { headers: { 'Content-Type': 'application/pdf' } })),
    );
    await userEvent.click(screen.getByRole('link', { name: 'Download the profile (PDF) for the care record' }));

    expect(await screen.findByText('The PDF has been downloaded.')).toBeInTheDocument();
    const [request] = network.requests;
    expect(new URL(request?.url ?? '').searchParams.get('assessment')).toBe('a-1');
    expect(request?.headers.get('Authorization')).toBe('Bearer token-1');
    expect(created).toHaveBeenCalledOnce();
    const saved = clicked.mock.contexts.find((link) => (link as HTMLAnchorElement).download !== '');
    expect((saved as HTMLAnchorElement).download).toBe('hef-profile-2026-03-10.pdf');
    clicked.mockRestore();
  });

  it('says so in plain words when reporting cannot make it', async () => {
    renderDownload(
      on('GET', PDF_PATH, () =>
        jsonResponse({ type: 'about:blank', title: 'Unavailable', status: 503 }, 503, 'application/problem+json'),
      ),
    );
    await userEvent.click(screen.getByRole('link', { name: /Download the profile/ }));
    const summary = await screen.findByRole('alert');
    expect(within(summary).getByRole('heading', { name: 'The PDF could not be made' })).toBeVisible();
    expect(summary).toHaveTextContent('Nothing was lost. Try again in a minute.');
    await waitFor(() => {
      expect(summary.closest('.nhsuk-error-summary')).toHaveFocus();
    });
  });
});
