import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiError } from '../api/client';
import { LanguageSwitch } from '../components/LanguageSwitch';
import { usePageTitle } from '../localize';
import { useSession } from '../session';

export function SignIn() {
  const { t } = useTranslation();
  const { signIn, notice } = useSession();
  usePageTitle(t('signIn.title'));
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | { code: 'REQUIRED' } | null>(null);
  // TOO_MANY_ATTEMPTS: when the server lets this browser try again (epoch ms).
  const [lockedUntil, setLockedUntil] = useState<number | null>(null);
  const [now, setNow] = useState(() => Date.now());

  useEffect(() => {
    if (lockedUntil === null) return;
    const timer = window.setInterval(() => {
      const current = Date.now();
      setNow(current);
      if (current >= lockedUntil) {
        setLockedUntil(null);
        setError(null);
      }
    }, 1000);
    return () => window.clearInterval(timer);
  }, [lockedUntil]);

  const locked = lockedUntil !== null && now < lockedUntil;

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!username.trim() || !password) {
      setError({ code: 'REQUIRED' });
      return;
    }
    setBusy(true);
    setError(null);
    const failure = await signIn(username.trim(), password);
    setBusy(false);
    if (failure) {
      setError(failure);
      setPassword('');
      if (failure.code === 'TOO_MANY_ATTEMPTS' && failure.retryAfterSeconds) {
        setNow(Date.now());
        setLockedUntil(Date.now() + failure.retryAfterSeconds * 1000);
      }
    }
  }

  return (
    <div className="signin-page">
      <div className="signin-lang">
        <LanguageSwitch tone="light" />
      </div>
      <main className="signin-card">
        <div className="signin-brand">
          <span className="brand-mark" aria-hidden="true">DN</span>
          <div>
            <div className="brand-name">{t('app.name')}</div>
            <div className="brand-tagline">{t('app.tagline')}</div>
          </div>
        </div>
        <h1>{t('signIn.title')}</h1>
        <p className="muted">{t('signIn.subtitle')}</p>
        {notice === 'UNAUTHENTICATED' && !error && (
          <div className="alert alert-info" role="status" data-testid="session-notice">
            {t('errors.UNAUTHENTICATED')}
          </div>
        )}
        {error && <SignInError error={error} secondsLeft={locked ? Math.ceil((lockedUntil - now) / 1000) : null} />}
        <form onSubmit={submit} noValidate data-testid="sign-in-form">
          <label className="field">
            <span>{t('signIn.username')}</span>
            <input
              name="username"
              autoComplete="username"
              autoCapitalize="none"
              spellCheck={false}
              autoFocus
              value={username}
              onChange={(e) => setUsername(e.target.value)}
              data-testid="username"
            />
          </label>
          <label className="field">
            <span>{t('signIn.password')}</span>
            <input
              name="password"
              type="password"
              autoComplete="current-password"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              data-testid="password"
            />
          </label>
          <button type="submit" className="button button-primary button-block" disabled={busy || locked} data-testid="sign-in-submit">
            {busy ? t('signIn.submitting') : t('signIn.submit')}
          </button>
        </form>
      </main>
    </div>
  );
}

function SignInError({
  error,
  secondsLeft,
}: {
  error: ApiError | { code: 'REQUIRED' };
  secondsLeft: number | null;
}) {
  const { t } = useTranslation();
  let text: string;
  switch (error.code) {
    case 'REQUIRED':
      text = t('signIn.required');
      break;
    case 'UNAUTHENTICATED':
      text = t('signIn.errors.UNAUTHENTICATED');
      break;
    case 'TOO_MANY_ATTEMPTS': {
      const seconds = secondsLeft ?? ('retryAfterSeconds' in error ? error.retryAfterSeconds : null);
      if (!seconds || seconds <= 0) {
        text = t('signIn.errors.TOO_MANY_ATTEMPTS_soon');
      } else {
        const time =
          seconds > 90
            ? t('signIn.duration.minutes', { count: Math.ceil(seconds / 60) })
            : t('signIn.duration.seconds', { count: seconds });
        text = t('signIn.errors.TOO_MANY_ATTEMPTS', { time });
      }
      break;
    }
    case 'BAD_USER_INPUT':
      text = t('signIn.errors.BAD_USER_INPUT', { message: 'message' in error ? error.message : '' });
      break;
    case 'NETWORK':
      text = t('signIn.errors.NETWORK');
      break;
    default:
      text = t('signIn.errors.UNKNOWN', { message: 'message' in error ? error.message : error.code });
  }
  return (
    <div className="alert alert-error" role="alert" data-testid="sign-in-error" data-code={error.code}>
      {text}
    </div>
  );
}
