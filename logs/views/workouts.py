"""Pages: workouts."""

def workout_list(request, **kwargs):
    raise NotImplementedError("logs/views/workouts.py.workout_list: being built")

def workout_detail(request, **kwargs):
    raise NotImplementedError("logs/views/workouts.py.workout_detail: being built")

