import { useRef, type ReactNode } from 'react';

import { Footer } from './footer';
import { Header, type NavigationItem } from './header';
import { MAIN_CONTENT_ID, SkipLink } from './skip-link';
import { useFocusHeadingOnNavigate } from './use-focus-heading';

type MainLayoutProps = {
  children: ReactNode;
  /** The parts of Equitas the signed-in user's role uses. */
  navigation?: readonly NavigationItem[];
  /** Shown above the page content on every page (e.g. the session warning). */
  banner?: ReactNode;
};

/** The page frame of the NHS.UK template: skip link, header, main, footer. */
export function MainLayout({ children, navigation, banner }: MainLayoutProps) {
  const main = useRef<HTMLElement>(null);
  useFocusHeadingOnNavigate(main);
  return (
    <>
      <SkipLink />
      <Header navigation={navigation} />
      <div className="nhsuk-width-container">
        {banner}
        {/* tabIndex -1 lets the skip link move focus here, not only scroll. */}
        <main className="nhsuk-main-wrapper" id={MAIN_CONTENT_ID} tabIndex={-1} ref={main}>
          {children}
        </main>
      </div>
      <Footer />
    </>
  );
}
