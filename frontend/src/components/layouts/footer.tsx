export function Footer() {
  return (
    <footer className="nhsuk-footer">
      <div className="nhsuk-width-container">
        <div className="nhsuk-footer__meta">
          <p className="nhsuk-body-s">
            Equitas: open-source software for measuring and acting on health inequalities
          </p>
        </div>
      </div>
    </footer>
  );
}
