import { ServiceError } from './service-error';

/** Last resort, shown when the app itself fails to render: no header, no router. */
export function MainErrorFallback() {
  return (
    <div className="nhsuk-width-container">
      <main className="nhsuk-main-wrapper" id="maincontent">
        <ServiceError />
      </main>
    </div>
  );
}
