import type { ReactNode } from 'react';

import { Footer } from './footer';
import { Header } from './header';
import { MAIN_CONTENT_ID, SkipLink } from './skip-link';

/** The page frame of the NHS.UK template: skip link, header, main, footer. */
export function MainLayout({ children }: { children: ReactNode }) {
  return (
    <>
      <SkipLink />
      <Header />
      <div className="nhsuk-width-container">
        {/* tabIndex -1 lets the skip link move focus here, not only scroll. */}
        <main className="nhsuk-main-wrapper" id={MAIN_CONTENT_ID} tabIndex={-1}>
          {children}
        </main>
      </div>
      <Footer />
    </>
  );
}
