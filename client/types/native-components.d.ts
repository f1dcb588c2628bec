// Native mini-program components used from React in the weapp build (client/native/).
import 'react'

declare module 'react' {
  namespace JSX {
    interface IntrinsicElements {
      'tier-progress': { className?: string; percent: number; color?: string; label?: string }
    }
  }
}
