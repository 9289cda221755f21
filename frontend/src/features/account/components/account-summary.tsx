import { Button } from '@/components/ui/button';
import { ErrorSummary } from '@/components/ui/error-summary';
import { Loading } from '@/components/ui/loading';
import { isApiError } from '@/lib/api';
import { useAuth } from '@/lib/auth';

import { useMe, type Me } from '../api/get-me';

// The contract lets names be missing (an organisation or role code the service has no
// name for, a subject with no name claim): fall back to the code, never show nothing.
function organisationText(organisation: Me['organisation']): string {
  if (organisation === null) return 'No organisation';
  const { name, ods_code: odsCode } = organisation;
  return name ? `${name} (${odsCode})` : odsCode;
}

function roleText(role: Me['role']): string {
  if (role === null) return 'No role selected';
  return role.name ?? role.code;
}

function AccountError({ error }: { error: Error }) {
  const { login } = useAuth();
  if (isApiError(error, 401)) {
    return (
      <>
        <ErrorSummary title="Your session has ended">
          <p>Log in again to continue.</p>
        </ErrorSummary>
        <Button variant="login" onClick={() => void login()}>
          Log in again
        </Button>
      </>
    );
  }
  if (isApiError(error, 403)) {
    return (
      <ErrorSummary title="You do not have access to Equitas">
        <p>Ask the Equitas administrator in your organisation to give you access.</p>
      </ErrorSummary>
    );
  }
  return (
    <ErrorSummary title="Sorry, there is a problem with the service">
      <p>Your account details could not be loaded. Try again later.</p>
    </ErrorSummary>
  );
}

/** "Your account": who is signed in, for which organisation and in which role. */
export function AccountSummary() {
  const me = useMe();

  return (
    <section aria-labelledby="your-account">
      <h1 className="nhsuk-heading-l" id="your-account">
        Your account
      </h1>
      {me.isPending && <Loading label="Loading your account details…" />}
      {me.isError && <AccountError error={me.error} />}
      {me.isSuccess && (
        <div className="nhsuk-card">
          <div className="nhsuk-card__content">
            <p className="nhsuk-body-l">
              Signed in as <strong data-testid="user-name">{me.data.name ?? me.data.subject}</strong>
            </p>
            <dl className="nhsuk-summary-list nhsuk-u-margin-bottom-0">
              <div className="nhsuk-summary-list__row">
                <dt className="nhsuk-summary-list__key">Organisation</dt>
                <dd className="nhsuk-summary-list__value" data-testid="user-organisation">
                  {organisationText(me.data.organisation)}
                </dd>
              </div>
              <div className="nhsuk-summary-list__row">
                <dt className="nhsuk-summary-list__key">Role</dt>
                <dd className="nhsuk-summary-list__value" data-testid="user-role">
                  {roleText(me.data.role)}
                </dd>
              </div>
              <div className="nhsuk-summary-list__row">
                <dt className="nhsuk-summary-list__key">Teams</dt>
                <dd className="nhsuk-summary-list__value" data-testid="user-teams">
                  {me.data.teams.length === 0 ? (
                    'Not in any team'
                  ) : (
                    <ul className="nhsuk-list nhsuk-u-margin-bottom-0">
                      {me.data.teams.map((team) => (
                        <li key={team.code}>
                          {team.name}
                          {team.role === 'lead' ? ' (team lead)' : ''}
                        </li>
                      ))}
                    </ul>
                  )}
                </dd>
              </div>
            </dl>
          </div>
        </div>
      )}
    </section>
  );
}
