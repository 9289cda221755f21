import type { ButtonHTMLAttributes } from 'react';

export type ButtonVariant = 'primary' | 'secondary' | 'reverse' | 'warning' | 'login';

const variantClass: Record<ButtonVariant, string> = {
  primary: '',
  secondary: ' nhsuk-button--secondary',
  reverse: ' nhsuk-button--reverse',
  warning: ' nhsuk-button--warning',
  login: ' nhsuk-button--login',
};

type ButtonProps = Omit<ButtonHTMLAttributes<HTMLButtonElement>, 'className'> & {
  variant?: ButtonVariant;
  small?: boolean;
};

/** NHS.UK button. Defaults to type="button": a submit has to say so. */
export function Button({
  variant = 'primary',
  small = false,
  type = 'button',
  ...props
}: ButtonProps) {
  const className = `nhsuk-button${variantClass[variant]}${small ? ' nhsuk-button--small' : ''}`;
  return <button {...props} type={type} className={className} />;
}
